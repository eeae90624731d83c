package dev.visage.jobs;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Only a model starts from the face base: a {@link TrainingRequest}'s {@code fromBase} is refused, by name, for a base. */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = FromBaseOfAModel.Validator.class)
@interface FromBaseOfAModel {

    String message() default "only a model starts from the face base, not a base";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    final class Validator implements ConstraintValidator<FromBaseOfAModel, TrainingRequest> {

        @Override
        public boolean isValid(TrainingRequest request, ConstraintValidatorContext context) {
            if (!Boolean.TRUE.equals(request.fromBase()) || request.kindOrModel() == TrainingKind.MODEL) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            context.buildConstraintViolationWithTemplate(context.getDefaultConstraintMessageTemplate())
                    .addPropertyNode("fromBase")
                    .addConstraintViolation();
            return false;
        }
    }
}
